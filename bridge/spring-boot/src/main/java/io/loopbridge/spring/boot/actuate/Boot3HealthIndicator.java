package io.loopbridge.spring.boot.actuate;

import io.loopbridge.spring.LoopBridges;
import java.time.Duration;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/** The {@code loopbridge} health indicator on Spring Boot 3 ({@link BridgeHealth}); on the actuator's request thread. */
final class Boot3HealthIndicator implements HealthIndicator {
    private final LoopBridges bridges;
    private final Duration maxLoopLag;

    Boot3HealthIndicator(LoopBridges bridges, Duration maxLoopLag) {
        this.bridges = bridges;
        this.maxLoopLag = maxLoopLag;
    }

    @Override
    public Health health() {
        BridgeHealth health = BridgeHealth.of(bridges, maxLoopLag);
        return (health.up ? Health.up() : Health.down()).withDetails(health.details).build();
    }
}
