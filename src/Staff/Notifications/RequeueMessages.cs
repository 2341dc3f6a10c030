using BacklogPortal.Notifications;

namespace BacklogPortal.Staff.Notifications;

internal static class RequeueMessages
{
    public static string For(RequeueResult result) => result switch
    {
        RequeueResult.Requeued => "Re-queued: the email goes out again in a moment.",
        RequeueResult.NoRecipient => "Not re-queued: the customer still has no recipient: no ERP notification email, no user receiving notices at a confirmed address, no confirmed further address.",
        RequeueResult.NotFailed => "Not re-queued: the email is no longer failed (it was re-queued or sent meanwhile).",
        _ => "Not re-queued: the email no longer exists.",
    };
}
