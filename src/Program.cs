using BacklogPortal.Backlog;
using BacklogPortal.Components.Account;
using BacklogPortal.Data;
using BacklogPortal.Email;
using BacklogPortal.EtaChanges;
using BacklogPortal.Hosting;
using BacklogPortal.Import;
using BacklogPortal.Notifications;
using BacklogPortal.Orders;
using BacklogPortal.Staff.Dashboard;

var builder = WebApplication.CreateBuilder(args);

builder.AddData();
builder.AddEmail();
builder.AddNotifications();
builder.AddPortalIdentity();
builder.AddPortalUi();
builder.AddBacklog();
builder.AddEtaChanges();
builder.AddOrders();
builder.AddStaffDashboard();
builder.AddImport();

var app = builder.Build();

app.UsePortal();
app.Run();

/// <summary>The entry point, visible to <c>WebApplicationFactory</c> in the tests.</summary>
public partial class Program;
