package org.postroom.global.proto.rewrite;

/**
 * What trivial-rewrite's resolve service says about a recipient (resolve_clnt.h): the transport, the
 * next hop, the rewritten recipient and the address class.
 */
public record ResolveReply(String transport, String nexthop, String recipient, int flags) {
    public static final int CLASS_LOCAL = 0x100;
    public static final int CLASS_ALIAS = 0x200;
    public static final int CLASS_VIRTUAL = 0x400;
    public static final int CLASS_RELAY = 0x800;
    public static final int CLASS_DEFAULT = 0x1000;
    public static final int FLAG_FAIL = 0x1;
    public static final int FLAG_ERROR = 0x2;
    public static final int FLAG_ROUTED = 0x4;

    /** A destination we accept mail for without relay permission (local, virtual alias/mailbox, relay_domains). */
    public boolean isOurDestination() {
        return (flags & (CLASS_LOCAL | CLASS_ALIAS | CLASS_VIRTUAL | CLASS_RELAY)) != 0;
    }

    public boolean failed() {
        return (flags & (FLAG_FAIL | FLAG_ERROR)) != 0;
    }
}
