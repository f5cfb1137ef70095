package org.postroom.tools.postcat;

import org.postroom.global.record.RecordType;

/** rec_type_name(): the names postcat prints for record types (rec_type.c). */
final class RecordNames {
    private RecordNames() {}

    /** The name of a record type code; 'L' in the envelope is content_filter. */
    static String of(int code) {
        return switch (code) {
            case 'C' -> "message_size";
            case 'T' -> "message_arrival_time";
            case 'c' -> "queue_file_create_time";
            case 'F' -> "sender_fullname";
            case 'I' -> "content_inspector";
            case 'L' -> "content_filter";
            case 'S' -> "sender";
            case 'D' -> "done_recipient";
            case '/' -> "canceled_recipient";
            case 'R' -> "recipient";
            case 'O' -> "original_recipient";
            case 'W' -> "warning_message_time";
            case 'A' -> "named_attribute";
            case 'p' -> "pointer_record";
            case 'K' -> "killed_record";
            case 'M' -> "message_content";
            case 'N' -> "regular_text";
            case 'w' -> "deleted_text";
            case 'X' -> "extracted_info";
            case 'r' -> "return_receipt";
            case 'e' -> "errors_to";
            case 'P' -> "priority";
            case 'V' -> "verp_delimiters";
            case 'E' -> "message_end";
            case '>' -> "redirect_to";
            case 'f' -> "flags";
            case '<' -> "dsn_return_flags";
            case 'i' -> "dsn_envelope_id";
            case 'o' -> "dsn_original_recipient";
            case 'n' -> "dsn_notify_flags";
            default -> "unknown_record_type";
        };
    }

    static String of(RecordType t) {
        return of(t.code);
    }

    /** The record types that may start a queue file (REC_TYPE_ENVELOPE). */
    static boolean envelope(int code) {
        return "MCTcFILSDRO/WVA>K<ion".indexOf(code) >= 0;
    }
}
