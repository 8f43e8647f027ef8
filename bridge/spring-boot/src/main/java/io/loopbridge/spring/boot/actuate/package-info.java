/**
 * The actuator side of loopbridge's Boot auto-configuration: the {@code loopbridge} health indicator
 * and the {@code /actuator/loopbridge} endpoint, on Spring Boot 3.5 and 4.0.
 */
package io.loopbridge.spring.boot.actuate;
