package org.postroom.service;

import java.util.List;
import java.util.Set;
import org.postroom.global.config.Param;

/** What a daemon declares: its program name, the parameters it reads and its requirements. */
public record ServiceSpec(String program, List<Param<?>> params, Set<Requirement> requirements) {
    public ServiceSpec {
        params = List.copyOf(params);
        requirements = Set.copyOf(requirements);
    }
}
