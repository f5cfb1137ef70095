# A minimal SMTP server that rejects every RCPT, for a remote-rejection bounce (Remote-MTA, Diagnostic-Code: smtp).
import socket, sys, threading
port = int(sys.argv[1])
def serve(c):
    f = c.makefile('rb')
    def say(s): c.sendall(s.encode() + b'\r\n')
    say('220 mx.reject.example ESMTP')
    while True:
        l = f.readline()
        if not l: break
        cmd = l.decode('utf-8', 'replace').strip()
        u = cmd.upper()
        if u.startswith('EHLO'):
            say('250-mx.reject.example'); say('250-8BITMIME'); say('250 SMTPUTF8')
        elif u.startswith('HELO') or u.startswith('MAIL') or u.startswith('RSET'):
            say('250 2.0.0 Ok')
        elif u.startswith('RCPT'):
            if 'long' in cmd:
                say('550-5.7.1 <' + cmd[cmd.find('<')+1:cmd.find('>')] + '>: Recipient address rejected: this is a very long explanation that goes on')
                say('550-5.7.1 and on across several lines of text, with words that are longer than usual like')
                say('550 5.7.1 supercalifragilisticexpialidocious-and-some-more-text-without-any-spaces-at-all-to-force-a-long-unbreakable-word-in-the-wrapper')
            else:
                say('550 5.1.1 <' + cmd[cmd.find('<')+1:cmd.find('>')] + '>: Recipient address rejected: User unknown in virtual mailbox table')
        elif u.startswith('QUIT'):
            say('221 2.0.0 Bye'); break
        else:
            say('502 5.5.2 Error: command not recognized')
    c.close()
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', port)); s.listen(5)
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
