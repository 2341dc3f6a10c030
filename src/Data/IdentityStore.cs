using Microsoft.AspNetCore.Identity;

namespace BacklogPortal.Data;

/// <summary>
/// The Identity settings that shape the database (schema version 3: passkeys). The app and the EF
/// design-time factories both apply them, or the migrations would miss tables.
/// </summary>
public static class IdentityStore
{
    public static void Configure(IdentityOptions options) =>
        options.Stores.SchemaVersion = IdentitySchemaVersions.Version3;
}
