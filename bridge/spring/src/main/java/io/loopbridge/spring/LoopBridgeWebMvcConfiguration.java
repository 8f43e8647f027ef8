package io.loopbridge.spring;

import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

/**
 * The Spring Web MVC part of {@link EnableLoopBridge}, imported only when Spring Web MVC is on the
 * class path: the problem-details mapping of loopbridge's exceptions ({@link LoopBridgeExceptionHandler})
 * and the servlet-async return path that cancels a returned {@code CompletionStage} when the async
 * request times out or fails ({@link CancellingCompletionStageHandler}).
 *
 * <p>Threads: runs on the thread that refreshes the context.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(OnClassPresent.WebMvc.class)
class LoopBridgeWebMvcConfiguration {

    /** Maps loopbridge's exceptions to RFC 9457 problem details; lowest precedence, so any advice of yours wins. */
    @Bean
    LoopBridgeExceptionHandler loopBridgeExceptionHandler() {
        return new LoopBridgeExceptionHandler();
    }

    /** Puts {@link CancellingCompletionStageHandler} in front of Spring's own handler of {@code CompletionStage}. */
    @Bean
    static BeanPostProcessor loopBridgeCompletionStageHandlerInstaller() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (bean instanceof RequestMappingHandlerAdapter adapter) {
                    install(adapter);
                }
                return bean;
            }
        };
    }

    static void install(RequestMappingHandlerAdapter adapter) {
        List<HandlerMethodReturnValueHandler> current = adapter.getReturnValueHandlers();
        if (current == null || current.stream().anyMatch(CancellingCompletionStageHandler.class::isInstance)) {
            return;
        }
        List<HandlerMethodReturnValueHandler> handlers = new ArrayList<>(current.size() + 1);
        handlers.add(new CancellingCompletionStageHandler());
        handlers.addAll(current);
        adapter.setReturnValueHandlers(handlers);
    }
}
