package org.postroom.global.ipc;

/** Attribute and protocol names shared by all services (mail_proto.h). */
public final class AttrNames {
    private AttrNames() {}

    public static final String PROTOCOL = "protocol";
    public static final String QUEUE_ID = "queue_id";
    public static final String QUEUE_NAME = "queue_name";
    public static final String FLAGS = "flags";
    public static final String STATUS = "status";
    public static final String REASON = "reason";
    public static final String REQUEST = "request";
    public static final String SENDER = "sender";
    public static final String RECIPIENT = "recipient";
    public static final String ORIG_RCPT = "original_recipient";
    /** DSN (mail_proto.h): the envelope ID, RET (1 FULL, 2 HDRS), per recipient NOTIFY bits and ORCPT "type;address". */
    public static final String DSN_ENVID = "envelope_id";
    public static final String DSN_RET = "ret_flags";
    public static final String DSN_NOTIFY = "notify_flags";
    public static final String DSN_ORCPT = "dsn_orig_rcpt";
    /** The SMTPUTF8 bits (sendopts.h): requested, and found in a header, the sender or a recipient. */
    public static final String SENDOPTS = "sendopts";
    public static final String OFFSET = "offset";
    public static final String ADDRESS = "address";
    public static final String RULE = "rule";
    public static final String TRANSPORT = "transport";
    public static final String NEXTHOP = "nexthop";
    public static final String DSN_STATUS = "dsn_status";
    public static final String ACTION = "action";
    public static final String SIZE = "size";
    public static final String DATA_OFFSET = "data_offset";
    public static final String ARRIVAL_TIME = "arrival_time";
    public static final String ACTIVE_TIME = "active_time";
    public static final String NRCPT = "nrcpt";
    public static final String CLIENT_NAME = "client_name";
    public static final String CLIENT_ADDR = "client_address";
    public static final String ENCODING = "encoding";
    public static final String HOP_STATUS = "hop_status";
    public static final String HOP_REASON = "hop_reason";

    public static final String PROTO_CLEANUP = "cleanup_protocol";
    public static final String PROTO_REWRITE = "rewrite_protocol";
    public static final String PROTO_DELIVER = "delivery_protocol";
}
