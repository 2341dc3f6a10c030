using BacklogPortal.Domain;
using BacklogPortal.EtaChanges;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.Tests.Integration;

/// <summary>The API and staff change the same line at the same moment: each is applied or told to retry, and nothing is lost.</summary>
public sealed class ConcurrentEtaChangeTests(ApiAppFactory factory) : IClassFixture<ApiAppFactory>
{
    private readonly ErpApi api = new(factory);

    [Fact]
    public async Task SkuChangeFromTheApiAndAStaffEditOfOneLineNeverLoseAnUpdate()
    {
        var line = await api.BackorderAsync(eta: ErpApi.Today.AddDays(3));
        await using var db = await api.DbAsync();
        var lineId = await db.OrderLines.Where(l => l.Order!.OrderNumber == line.OrderNumber).Select(l => l.Id).SingleAsync();
        var etaChanges = factory.Services.GetRequiredService<EtaChangeService>();
        var applied = 0;
        var toldToRetry = 0;

        for (var round = 1; round <= 12; round++)
        {
            var version = await db.OrderLines.Where(l => l.Id == lineId).Select(l => l.Version).SingleAsync();
            var apiEta = ErpApi.Today.AddDays(10 + (2 * round));
            var staffEta = apiEta.AddDays(1);
            var fromApi = Task.Run(() => api.PostAsync($"/api/v1/products/{line.Sku}/eta-changes", new { eta = apiEta, reasonCode = "supplierDelay" }));
            var fromStaff = Task.Run(() => etaChanges.ChangeAsync(new EtaChangeRequest(
                EtaChangeTarget.ForLine(lineId, version), staffEta, EtaReasonCode.Transport, null, ChangeSource.Staff, "staff@example.com")));
            var apiResponse = await fromApi;
            var staffResult = await fromStaff;

            Assert.True(apiResponse.IsSuccessStatusCode || (int)apiResponse.StatusCode == 409, $"API answered {(int)apiResponse.StatusCode}");
            Assert.True(staffResult.Outcome is EtaChangeOutcome.Changed or EtaChangeOutcome.Conflict, staffResult.Message);
            applied += (apiResponse.IsSuccessStatusCode ? 1 : 0) + (staffResult.Outcome == EtaChangeOutcome.Changed ? 1 : 0);
            toldToRetry += ((int)apiResponse.StatusCode == 409 ? 1 : 0) + (staffResult.Outcome == EtaChangeOutcome.Conflict ? 1 : 0);
        }

        var stored = await db.OrderLines.AsNoTracking().SingleAsync(l => l.Id == lineId);
        var history = await db.EtaChanges.Where(c => c.OrderLineId == lineId && c.ReasonCode != EtaReasonCode.InitialEstimate).OrderBy(c => c.Id).ToListAsync();
        // Every change the callers were told was applied is in the history, each one starting where the one before ended.
        Assert.Equal(applied, history.Count);
        Assert.Equal(stored.EtaChangeCount, history.Count);
        Assert.Equal(stored.Eta, history[^1].NewEta);
        Assert.All(history.Zip(history.Skip(1)), pair => Assert.Equal(pair.First.NewEta, pair.Second.OldEta));
        Assert.Equal(24, applied + toldToRetry);
    }
}
