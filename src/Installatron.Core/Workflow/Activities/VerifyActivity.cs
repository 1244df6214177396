using Installatron.Core.Api;
using Installatron.Core.Domain;
using Installatron.Core.Sites;
using Microsoft.DurableTask;

namespace Installatron.Core.Workflow.Activities;

/// <summary>Checks the updated tree against the target version's package: every core file present and identical.</summary>
[DurableTask(TaskNames.Verify)]
public sealed class VerifyActivity(UpdateWork work, UpdateFaults faults) : TaskActivity<UpdateInput, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, UpdateInput input)
    {
        var ct = CancellationToken.None;
        await work.StepAsync(input.TaskId, TaskSteps.Verify, 85, ct);
        var state = await work.LoadAsync(input, ct);
        await faults.AtAsync(UpdateFaults.BeforeVerify, input.TaskId, ct);
        if (state.Target is { } target)
        {
            var differences = await SiteVerifier.VerifyAgainstPackageAsync(state.SiteRoot, state.PackagePath(target), state.Recipe, ct);
            if (differences.Count > 0)
            {
                throw new UpdateStepException(ErrorCodes.FailedVerify,
                    $"The updated site does not match {target.Application} {target.Version}: {string.Join("; ", differences.Take(5))}" +
                    (differences.Count > 5 ? $" and {differences.Count - 5} more." : "."));
            }
        }

        return true;
    }
}
