/** Package local is the local(8) delivery agent: aliases, mbox, Maildir, files and commands. */
package org.postroom.local;
