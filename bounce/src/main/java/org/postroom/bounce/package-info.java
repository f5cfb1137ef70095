/**
 * bounce(8): the bounce, defer and trace services (Postfix's src/bounce). They keep the per-message
 * logs under bounce/, defer/ and trace/ and turn them into notices for the sender (non-delivery
 * reports, delay warnings, success and verify reports) and for the postmaster, submitted through
 * cleanup(8) with the null sender.
 */
package org.postroom.bounce;
