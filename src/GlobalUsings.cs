// The namespaces nearly every feature names: the shared entities and rules, EF Core, options, and the data annotations
// that limit entities' columns and validate options and forms. Only Domain of ours belongs here: it names no other
// feature, so seeing it everywhere hides no dependency (FeatureFolderTests).
global using System.ComponentModel.DataAnnotations;
global using BacklogPortal.Domain;
global using Microsoft.EntityFrameworkCore;
global using Microsoft.Extensions.Options;
