// The namespaces nearly every feature names: the shared entities and rules, EF Core, and options. Only Domain of
// ours belongs here: it names no other feature, so seeing it everywhere hides no dependency (FeatureFolderTests).
global using BacklogPortal.Domain;
global using Microsoft.EntityFrameworkCore;
global using Microsoft.Extensions.Options;
