package org.postroom.service;

/** Properties a service declares and the skeleton checks against master.cf (CA_MAIL_SERVER_*). */
public enum Requirement {
    /** maxproc must be 1 (qmgr, pickup). */
    SOLITARY,
    /** maxproc must be 0 (cleanup). */
    UNLIMITED,
    /** may run as root: the delivery agents that act as other users (local, virtual). */
    PRIVILEGED,
    /** never exits for max_idle (qmgr: var_idle_limit = 0, as Postfix's qmgr sets it). */
    NO_IDLE_LIMIT
}
