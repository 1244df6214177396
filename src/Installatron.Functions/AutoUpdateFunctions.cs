using Installatron.Core.Outbound;
using Installatron.Core.Workflow;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Installatron.Functions;

/// <summary>Installatron's automatic updates, on the schedule of <c>INSTALLATRON_AUTOUPDATE_SCHEDULE</c> (the Bicep sets every 6 hours).</summary>
public sealed class AutoUpdateFunctions(AutoUpdateSweep updater)
{
    [Function("AutoUpdate")]
    public Task<AutoUpdateRun> Run([TimerTrigger(FunctionsOptions.AutoUpdateScheduleExpression)] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        updater.RunOnceAsync(client, context.CancellationToken);
}
