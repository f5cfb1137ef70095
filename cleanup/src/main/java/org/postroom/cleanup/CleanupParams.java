package org.postroom.cleanup;

import java.util.List;
import org.postroom.global.config.Param;
import org.postroom.global.config.Params;

/** Parameters cleanup reads that global {@code Params} does not declare yet (mail_params.h defaults). */
final class CleanupParams {
    private CleanupParams() {}

    static final Param<List<String>> CANONICAL_MAPS = Params.CANONICAL_MAPS;
    static final Param<List<String>> SENDER_CANONICAL_MAPS = Params.SENDER_CANONICAL_MAPS;
    static final Param<List<String>> RECIPIENT_CANONICAL_MAPS = Params.RECIPIENT_CANONICAL_MAPS;
    static final Param<List<String>> CANONICAL_CLASSES = Param.list("canonical_classes",
            "envelope_sender, envelope_recipient, header_sender, header_recipient");
    static final Param<List<String>> SENDER_CANONICAL_CLASSES = Param.list("sender_canonical_classes",
            "envelope_sender, header_sender");
    static final Param<List<String>> RECIPIENT_CANONICAL_CLASSES = Param.list("recipient_canonical_classes",
            "envelope_recipient, header_recipient");
    static final Param<Integer> VIRTUAL_ALIAS_RECURSION_LIMIT = Params.VIRTUAL_ALIAS_RECURSION_LIMIT;
    static final Param<Integer> VIRTUAL_ALIAS_EXPANSION_LIMIT = Params.VIRTUAL_ALIAS_EXPANSION_LIMIT;
    static final Param<Integer> VIRTUAL_ALIAS_ADDRESS_LENGTH_LIMIT = Params.VIRTUAL_ALIAS_ADDRESS_LENGTH_LIMIT;
    static final Param<List<String>> PROPAGATE_UNMATCHED_EXTENSIONS = Param.list("propagate_unmatched_extensions",
            "canonical, virtual");
    static final Param<Integer> DUPLICATE_FILTER_LIMIT = Params.DUPLICATE_FILTER_LIMIT;
}
