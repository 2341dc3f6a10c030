namespace BacklogPortal.Integration;

/// <summary>
/// The OpenAPI description shared by the API's kinds of operation, so every upsert and every command on a line or
/// SKU documents the same answers the same way.
/// </summary>
internal static class ApiMetadata
{
    /// <summary>
    /// An upsert by natural key: the body in; the resource back with 200 (updated) or 201 (created); 400 with field
    /// errors; 409 when a concurrent change won or the first request with the same Idempotency-Key is still running.
    /// </summary>
    public static RouteHandlerBuilder Upsert<TBody, TResource>(this RouteHandlerBuilder route) where TBody : notnull => route
        .Accepts<TBody>("application/json")
        .Produces<TResource>(StatusCodes.Status200OK)
        .Produces<TResource>(StatusCodes.Status201Created)
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status409Conflict);

    /// <summary>
    /// A command on something that must exist (a line, a SKU): the body in; the result with <paramref name="status"/>; 400
    /// with field errors; 404; 409 when a concurrent change of the same lines won (every command's write path can say so).
    /// </summary>
    public static RouteHandlerBuilder Command<TBody, TResult>(this RouteHandlerBuilder route, int status = StatusCodes.Status200OK) where TBody : notnull => route
        .Accepts<TBody>("application/json")
        .Produces<TResult>(status)
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict);
}
