package io.loopbridge.spring;

import io.loopbridge.Outcome;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.core.MethodParameter;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.context.request.async.WebAsyncUtils;
import org.springframework.web.method.support.AsyncHandlerMethodReturnValueHandler;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * Handles a controller's {@code CompletionStage} (for example {@code bridge.submit(...)}) as Spring's
 * own handler does (servlet async: the request thread is released, the outcome is dispatched when the
 * stage completes), and in addition cancels the stage when the async request ends without it: on
 * Spring's async timeout, on a container error (such as a client disconnect the container notices),
 * or on completion of the request by any other path. Spring itself leaves such a stage running; for a
 * bridge call, cancelling it cancels the task on its loop (see issue 4).
 *
 * <p>On timeout the response stays Spring's ({@code AsyncRequestTimeoutException}, 503 by default);
 * the stage's own cancellation is not reported as the outcome.
 *
 * <p>Threads: {@link #handleReturnValue} on the request thread; the cancellation on the container
 * thread that reports the timeout, error or completion; the outcome on the thread completing the
 * stage (for a bridge: usually its loop thread), which only hands it to Spring.
 *
 * <p>Cancellation reaches the loop only through the stage the bridge returned: return
 * {@code bridge.submit(...)} itself (or a {@code LoopFuture}), and transform inside the body rather
 * than with {@code thenApply} on the result, whose cancellation a plain {@code CompletableFuture}
 * does not propagate upstream.
 */
final class CancellingCompletionStageHandler implements AsyncHandlerMethodReturnValueHandler {

    @Override
    public boolean supportsReturnType(MethodParameter returnType) {
        return CompletionStage.class.isAssignableFrom(returnType.getParameterType());
    }

    @Override
    public boolean isAsyncReturnValue(Object returnValue, MethodParameter returnType) {
        return returnValue instanceof CompletionStage;
    }

    @Override
    public void handleReturnValue(Object returnValue, MethodParameter returnType, ModelAndViewContainer mavContainer,
            NativeWebRequest webRequest) throws Exception {
        if (returnValue == null) {
            mavContainer.setRequestHandled(true);
            return;
        }
        CompletionStage<?> stage = (CompletionStage<?>) returnValue;
        DeferredResult<Object> result = new DeferredResult<>();
        AtomicBoolean abandoned = new AtomicBoolean();
        Runnable abandon = () -> {
            if (abandoned.compareAndSet(false, true)) {
                cancel(stage);
            }
        };
        result.onTimeout(abandon);
        result.onError(error -> abandon.run());
        result.onCompletion(abandon); // a no-op once the stage completed
        stage.whenComplete((value, failure) -> {
            if (abandoned.get()) {
                return; // the request already ended; Spring reports the timeout or error itself
            }
            if (failure != null) {
                result.setErrorResult(Outcome.unwrap(failure));
            } else {
                result.setResult(value);
            }
        });
        WebAsyncUtils.getAsyncManager(webRequest).startDeferredResultProcessing(result, mavContainer);
    }

    private static void cancel(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().cancel(true);
        } catch (UnsupportedOperationException notCancellable) {
            // a stage without a CompletableFuture view cannot be cancelled from here
        }
    }
}
