package io.loopbridge.spring;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.ClassUtils;

/**
 * Imports a configuration only when the optional library it needs is on the class path (Spring Boot's
 * {@code @ConditionalOnClass}, without Boot). Evaluated on the thread that refreshes the context.
 */
abstract class OnClassPresent implements Condition {
    private final String className;

    OnClassPresent(String className) {
        this.className = className;
    }

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        return ClassUtils.isPresent(className, context.getClassLoader());
    }

    /** Spring Web MVC on a Servlet container. */
    static final class WebMvc extends OnClassPresent {
        WebMvc() {
            super("org.springframework.web.servlet.DispatcherServlet");
        }
    }

    /** The artifact loopbridge-micrometer, with Micrometer (its binder does not load without it). */
    static final class Micrometer extends OnClassPresent {
        Micrometer() {
            super("io.loopbridge.micrometer.LoopBridgeMetrics");
        }
    }
}
