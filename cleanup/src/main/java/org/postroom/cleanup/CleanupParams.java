package org.postroom.cleanup;

import java.util.List;
import org.postroom.global.config.Param;

/** Parameters cleanup reads that global {@code Params} does not declare yet (mail_params.h defaults). */
final class CleanupParams {
    private CleanupParams() {}

    static final Param<List<String>> CANONICAL_MAPS = Param.list("canonical_maps", "");
    static final Param<List<String>> SENDER_CANONICAL_MAPS = Param.list("sender_canonical_maps", "");
    static final Param<List<String>> RECIPIENT_CANONICAL_MAPS = Param.list("recipient_canonical_maps", "");
    static final Param<List<String>> CANONICAL_CLASSES = Param.list("canonical_classes",
            "envelope_sender, envelope_recipient, header_sender, header_recipient");
    static final Param<List<String>> SENDER_CANONICAL_CLASSES = Param.list("sender_canonical_classes",
            "envelope_sender, header_sender");
    static final Param<List<String>> RECIPIENT_CANONICAL_CLASSES = Param.list("recipient_canonical_classes",
            "envelope_recipient, header_recipient");
    static final Param<Integer> VIRTUAL_ALIAS_RECURSION_LIMIT = Param.integer("virtual_alias_recursion_limit", "1000");
    static final Param<Integer> VIRTUAL_ALIAS_EXPANSION_LIMIT = Param.integer("virtual_alias_expansion_limit", "1000");
    static final Param<Integer> VIRTUAL_ALIAS_ADDRESS_LENGTH_LIMIT = Param.integer("virtual_alias_address_length_limit", "1000");
    static final Param<List<String>> PROPAGATE_UNMATCHED_EXTENSIONS = Param.list("propagate_unmatched_extensions",
            "canonical, virtual");
    static final Param<Integer> DUPLICATE_FILTER_LIMIT = Param.integer("duplicate_filter_limit", "1000");
}
