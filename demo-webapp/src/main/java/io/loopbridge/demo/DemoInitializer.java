package io.loopbridge.demo;

import org.springframework.web.servlet.support.AbstractAnnotationConfigDispatcherServletInitializer;

/**
 * Starts the demo in any Servlet 6 container (no web.xml, no Spring Boot): one
 * {@code DispatcherServlet} on {@code /}, async supported, configured by {@link DemoConfig}.
 *
 * <p>Threads: the container calls it once, on the thread deploying the web app. Undeploying it
 * destroys the servlet, which closes the Spring context and so every bridge.
 */
public class DemoInitializer extends AbstractAnnotationConfigDispatcherServletInitializer {

    @Override
    protected Class<?>[] getRootConfigClasses() {
        return null;
    }

    @Override
    protected Class<?>[] getServletConfigClasses() {
        return new Class<?>[] {DemoConfig.class};
    }

    @Override
    protected String[] getServletMappings() {
        return new String[] {"/"};
    }
}
