package org.postroom.global.mailbox;

/**
 * The owner that mailbox files and directories are given when a delivery creates them: a uid and a gid
 * (Postfix's USER_ATTR uid/gid, as set_eugid() would use them).
 */
public record Owner(int uid, int gid) {}
