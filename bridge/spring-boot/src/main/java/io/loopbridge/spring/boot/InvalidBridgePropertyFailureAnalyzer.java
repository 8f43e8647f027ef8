package io.loopbridge.spring.boot;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Boot's failure analysis of {@link InvalidBridgePropertyException}: what the startup report prints
 * instead of a stack. (A value that does not even convert, such as {@code mode=SHAREDD}, is Boot's own
 * binding failure, whose report lists the valid values.) Runs on the thread that failed to start
 * the application.
 */
class InvalidBridgePropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidBridgePropertyException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidBridgePropertyException cause) {
        return new FailureAnalysis("Property '" + cause.property() + "' has the value '" + cause.value()
                + "', which loopbridge refuses: " + cause.allowed(),
                "Update '" + cause.property() + "' in your application's configuration (allowed: " + cause.allowed()
                        + ")", cause);
    }
}
