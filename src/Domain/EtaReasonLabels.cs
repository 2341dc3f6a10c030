namespace BacklogPortal.Domain;

/// <summary>
/// How reason codes read to people, in the same words on every page (staff pickers, the order's
/// history) and in emails, where other languages translate them (Notifications/Templates/EmailTexts.de.resx).
/// </summary>
public static class EtaReasonLabels
{
    /// <summary>The codes staff pick from, most common first; <see cref="EtaReasonCode.InitialEstimate"/> is for imports.</summary>
    public static readonly EtaReasonCode[] StaffChoices =
    [
        EtaReasonCode.SupplierDelay,
        EtaReasonCode.Production,
        EtaReasonCode.Transport,
        EtaReasonCode.ReleaseDateMoved,
        EtaReasonCode.StockArrivedEarly,
        EtaReasonCode.Other,
    ];

    public static string Label(EtaReasonCode code) => code switch
    {
        EtaReasonCode.SupplierDelay => "Supplier delay",
        EtaReasonCode.Production => "Production schedule",
        EtaReasonCode.Transport => "Transport",
        EtaReasonCode.ReleaseDateMoved => "Release date moved",
        EtaReasonCode.StockArrivedEarly => "Stock arrived early",
        EtaReasonCode.InitialEstimate => "First estimate",
        _ => "Other",
    };
}
