package io.loopbridge.demo;

import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/scenarios}: every endpoint's parameters with their kinds, defaults and bounds, from
 * {@link ScenarioCatalog}, the same place {@link Params} checks them against; the page builds its
 * scenario list and bounds from it. Threads: a request thread; the catalog is immutable.
 */
@RestController
final class CatalogController {

    @GetMapping("/api/scenarios")
    Map<String, List<ParamSpec>> scenarios() {
        return ScenarioCatalog.all();
    }
}
