using BacklogPortal.Hosting;

namespace BacklogPortal.Import;

public static class ImportExtensions
{
    /// <summary>The ETA import from CSV files (<c>/staff/import</c>).</summary>
    public static IHostApplicationBuilder AddImport(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<ImportOptions>(ImportOptions.SectionName);
        builder.Services.AddSingleton<EtaImport>();
        return builder;
    }
}
