/** Package ipc is the attribute protocol over Unix-domain sockets between Postroom services (Postfix attr_*0.c, mail_proto.h). */
package org.postroom.global.ipc;
