using System.Diagnostics;
using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace Installatron.Core.Workflow.Activities;

/// <summary>
/// What every step of the update does around its own work: it renews the install's lease, records itself on the task
/// and loads the update's state once (<see cref="UpdateWork.BeginAsync"/>), runs with the lease renewed meanwhile
/// (<see cref="LeaseKeeper"/>; a lease lost to a newer update cancels the step's I/O: <c>update_superseded</c>), closes
/// the connection to its site, then logs and records its duration and outcome — <c>ok</c>,
/// the errcode of its own verdict, or the type of an unexpected failure (which the orchestration's retry policy may
/// run again). A step returns its result to the orchestrator; <see cref="Show"/> says what of it the task shows.
/// </summary>
public abstract partial class UpdateActivity<TInput, TResult>(UpdateWork work, ILogger logger) : TaskActivity<TInput, TResult>
    where TInput : IUpdateStepInput
{
    protected abstract UpdateStep Step { get; }

    protected UpdateWork Work => work;

    public sealed override async Task<TResult> RunAsync(TaskActivityContext context, TInput stepInput)
    {
        var input = stepInput.Update;
        var started = Stopwatch.GetTimestamp();
        var startedAt = work.Now;
        LogStarted(logger, Step.Name, input.TaskId, input.InstallId);
        var outcome = "ok";
        Func<UpdateTask, UpdateTask>? show = null;
        UpdateState? state = null;
        try
        {
            state = await work.BeginAsync(input, Step, CancellationToken.None);
            await using var keeper = new LeaseKeeper(ct => work.RenewLeaseAsync(input, ct), LeaseStore.RenewInterval, work.Time);
            try
            {
                var result = await RunStepAsync(state, stepInput, keeper.Token);
                show = task => Show(task, result);
                return result;
            }
            catch (OperationCanceledException) when (keeper.Lost)
            {
                state.DiscardConnection();
                throw UpdateWork.Superseded(input);
            }
        }
        catch (UpdateStepException e)
        {
            outcome = e.Errcode;
            show = e.Shown;
            throw;
        }
        catch (Exception e) when (Verdict(e) is { } verdict)
        {
            // A refusal, or a login the site's server refuses: running the step again would not change it.
            outcome = verdict.Errcode;
            throw verdict;
        }
        catch (Exception e)
        {
            // Anything else (a connection to the site's server lost on the way, say) is left to the retry policy.
            outcome = e.GetType().Name;
            state?.DiscardConnection();
            LogUnexpected(logger, e, Step.Name, input.TaskId);
            throw;
        }
        finally
        {
            if (state is not null)
            {
                await state.DisposeAsync();
            }

            var duration = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            LogEnded(logger, Step.Name, input.TaskId, outcome, duration);
            await work.EndAsync(input.TaskId, state?.Task, new StepRun(Step.Name, startedAt, duration, outcome), show, CancellationToken.None);
        }
    }

    private static UpdateStepException? Verdict(Exception e) => e switch
    {
        Refusal refusal => UpdateStepException.From(refusal),
        Sites.Access.Sftp.RemoteLoginException => new UpdateStepException(ErrorCodes.FailedFilesystemLogin, e.Message),
        _ => null,
    };

    /// <summary>The step's own work, on the state loaded for it.</summary>
    protected abstract Task<TResult> RunStepAsync(UpdateState state, TInput input, CancellationToken cancellationToken);

    /// <summary>What the task row shows of the step's result (nothing by default).</summary>
    protected virtual UpdateTask Show(UpdateTask task, TResult result) => task;

    [LoggerMessage(Level = LogLevel.Information, Message = "Update step {Step} of task {TaskId} (install {InstallId}) started")]
    private static partial void LogStarted(ILogger logger, string step, string taskId, string installId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Update step {Step} of task {TaskId} ended: {Outcome} in {DurationMs} ms")]
    private static partial void LogEnded(ILogger logger, string step, string taskId, string outcome, long durationMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Update step {Step} of task {TaskId} failed unexpectedly")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string step, string taskId);
}

/// <summary>A step taking only the update's input.</summary>
public abstract class UpdateActivity<TResult>(UpdateWork work, ILogger logger) : UpdateActivity<UpdateInput, TResult>(work, logger);
