package io.loopbridge.demo;

import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * The demo's own error answers, as RFC 9457 problem details: 400 for a bad parameter (naming it, its
 * value and the bounds), and Spring MVC's standard exceptions (404 for an unknown path or scenario,
 * ...). loopbridge's exceptions (500, 503, 504) are mapped by the library's handler. Threads: request
 * threads.
 */
@RestControllerAdvice
final class DemoExceptionHandler extends ResponseEntityExceptionHandler {

    @ExceptionHandler(BadParameterException.class)
    ResponseEntity<ProblemDetail> badParameter(BadParameterException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
        problem.setType(URI.create("urn:loopbridge:demo:bad-parameter"));
        problem.setTitle("Bad parameter");
        problem.setProperty("param", e.param);
        problem.setProperty("value", e.value);
        problem.setProperty("bounds", e.bounds);
        return ResponseEntity.badRequest().body(problem);
    }
}
