package org.postroom.global.bounce;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Params;

/**
 * What $name in template text expands to (bounce_template_lookup): main.cf parameters through
 * {@code lookup} (the evaluated value, or null for a name main.cf and the declared parameters do not know),
 * relational expressions ${{a} == {b} ? {x} : {y}} through {@code relational}, the two time parameters with
 * their unit suffixes, and whether $myhostname and $mydomain are shown in UTF-8 (smtputf8_enable).
 * Conversion warnings go to {@code warn}, one line each.
 */
public record TemplateContext(Function<String, String> lookup, UnaryOperator<String> relational, Duration delayWarningTime,
                              Duration maximalQueueLifetime, boolean smtputf8Enable, Consumer<String> warn) {
    public TemplateContext {
        Objects.requireNonNull(lookup);
        Objects.requireNonNull(relational);
        Objects.requireNonNull(delayWarningTime);
        Objects.requireNonNull(maximalQueueLifetime);
        Objects.requireNonNull(warn);
    }

    /** The context of a configuration: a name is defined when main.cf sets it or Postroom declares it. */
    public static TemplateContext of(MainCf cfg, Consumer<String> warn) {
        return new TemplateContext(name -> cfg.raw(name) == null ? null : cfg.get(name), cfg::expand,
                cfg.get(Params.DELAY_WARNING_TIME), cfg.get(Params.MAXIMAL_QUEUE_LIFETIME), cfg.get(Params.SMTPUTF8_ENABLE), warn);
    }
}
