/**
 * Spring Boot auto-configuration of loopbridge (artifact {@code loopbridge-spring-boot}; add
 * {@code loopbridge-spring-boot-starter}): bridges from {@code loopbridge.*} properties, each a bean,
 * the Spring MVC integration of {@code loopbridge-spring}, and, with the actuator, the meters, the
 * {@code loopbridge} health indicator and the {@code /actuator/loopbridge} endpoint.
 */
package io.loopbridge.spring.boot;
