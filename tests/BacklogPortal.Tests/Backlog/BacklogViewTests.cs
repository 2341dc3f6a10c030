using BacklogPortal.Backlog;
using BacklogPortal.Domain;

namespace BacklogPortal.Tests.Backlog;

public sealed class BacklogViewTests
{
    [Fact]
    public void EveryPartOfTheViewSurvivesTheAddress()
    {
        var view = new BacklogView
        {
            Search = "keyboard 50%",
            Kind = BacklogKind.PreOrder,
            OverdueOnly = true,
            AwaitingDecisionOnly = true,
            Sort = BacklogSort.Status,
            Descending = true,
            Page = 3,
            PageSize = 25,
        };

        var query = view.ToQueryString();

        Assert.Equal("?q=keyboard%2050%25&kind=preOrder&overdue=true&decision=awaiting&sort=-status&page=3&size=25", query);
        Assert.Equal(view, BacklogView.FromQuery(query));
    }

    [Fact]
    public void TheDefaultViewHasAnAddressWithoutQuery()
    {
        Assert.Equal("/backlog", new BacklogView().ToUrl());
        Assert.Equal(new BacklogView(), BacklogView.FromQuery(""));
    }

    [Theory]
    [InlineData("?sort=bogus&page=-2&size=100000&kind=x&overdue=maybe", "/backlog")]
    [InlineData("?page=2x&size=0&decision=yes", "/backlog")]
    [InlineData("?page=99999999999&sort=--order", "/backlog")]
    [InlineData("?SORT=-ORDER&Kind=BACKORDER", "/backlog?kind=backorder&sort=-order")]
    public void ValuesThatDoNotParseFallBackToTheDefault(string query, string expected)
    {
        Assert.Equal(expected, BacklogView.FromQuery(query).ToUrl());
    }

    [Fact]
    public void ChoosingTheSortedColumnAgainFlipsTheDirectionAndStartsAtPageOne()
    {
        var view = new BacklogView { Sort = BacklogSort.Product, Page = 4 };

        var flipped = view.SortedBy(BacklogSort.Product);
        var other = flipped.SortedBy(BacklogSort.Status);

        Assert.Equal((BacklogSort.Product, true, 1), (flipped.Sort, flipped.Descending, flipped.Page));
        Assert.Equal((BacklogSort.Status, false, 1), (other.Sort, other.Descending, other.Page));
    }

    [Fact]
    public void EverySortHasAName()
    {
        Assert.Equal(Enum.GetValues<BacklogSort>().Length, BacklogView.SortNames.Count);
        Assert.Equal(BacklogView.SortNames.Count, BacklogView.SortNames.Values.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }
}
