package io.loopbridge.spring.boot.actuate;

import io.loopbridge.spring.LoopBridges;
import java.time.Duration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** The {@code loopbridge} health indicator on Spring Boot 4 ({@link BridgeHealth}); on the actuator's request thread. */
final class Boot4HealthIndicator implements HealthIndicator {
    private final LoopBridges bridges;
    private final Duration maxLoopLag;

    Boot4HealthIndicator(LoopBridges bridges, Duration maxLoopLag) {
        this.bridges = bridges;
        this.maxLoopLag = maxLoopLag;
    }

    @Override
    public Health health() {
        BridgeHealth health = BridgeHealth.of(bridges, maxLoopLag);
        return (health.up ? Health.up() : Health.down()).withDetails(health.details).build();
    }
}
