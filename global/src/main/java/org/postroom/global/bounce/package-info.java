/**
 * Package bounce holds the bounce message templates (Postfix bounce_template.c, bounce_templates.c, bounce(5)):
 * the four built-in templates, the bounce_template_file parser, and the $name expansion of template text.
 * It lives in global so that postconf -b and -t print the same templates bounce(8) uses.
 */
package org.postroom.global.bounce;
