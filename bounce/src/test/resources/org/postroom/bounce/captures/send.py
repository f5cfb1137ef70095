# Sends the originals for the notice captures to the private Postfix on 127.0.0.1:PORT.
import smtplib, sys
port = int(sys.argv[1])
def msg(subject, body, extra=''):
    return ('From: Sender <sender@remote.example>\r\nTo: whoever@mail.example.com\r\nSubject: ' + subject +
            '\r\nMessage-ID: <' + subject.replace(' ', '-') + '@remote.example>\r\n' + extra + '\r\n' + body)
def send(sender, rcpts, data, mopts=(), ropts=(), utf8=False):
    s = smtplib.SMTP('127.0.0.1', port)
    s.ehlo('client.remote.example')
    s.mail(sender, list(mopts))
    for r in rcpts:
        code, text = s.rcpt(r, list(ropts))
        assert code == 250, (r, code, text)
    code, text = s.data(data.encode('utf-8') if isinstance(data, str) else data)
    assert code == 250, (code, text)
    s.quit()
send('sender@remote.example', ['nosuch@mail.example.com'], msg('A local unknown', 'Hello,\r\nthis is the body.\r\n'))
send('sender@remote.example', ['list@mail.example.com'], msg('B alias expanded', 'to a list\r\n'))
send('sender@remote.example', ['nosuch@mail.example.com'], msg('C ret hdrs', 'headers only please\r\n'),
     mopts=['RET=HDRS', 'ENVID=env-123'], ropts=['NOTIFY=FAILURE', 'ORCPT=rfc822;original@example.net'])
big = ''.join('line %05d of a large message that is over the bounce size limit\r\n' % i for i in range(1000))
send('sender@remote.example', ['nosuch@mail.example.com'], msg('D over limit', big))
send('sender@remote.example', ['someone@reject.example', 'long-recipient-name-for-wrapping@reject.example'],
     msg('E remote reject', 'two remote recipients\r\n'))
send('sender@remote.example', ['bob@remote.example'], msg('F delayed', 'this one waits\r\n'))
send('sender@remote.example', ['nobody@mail.example.com'], msg('G success', 'delivered ok\r\n'), ropts=['NOTIFY=SUCCESS,FAILURE'])
send('', ['nosuch@mail.example.com'], msg('H null sender', 'a bounce that bounces\r\n'))
send('s\u00e9nder@remote.example', ['j\u00f6rg@mail.example.com'],
     'From: S\u00e9nder <s\u00e9nder@remote.example>\r\nTo: j\u00f6rg@mail.example.com\r\nSubject: I utf8 \u00fcml\u00e4ut\r\n'
     'Message-ID: <I-utf8@remote.example>\r\n\r\nGr\u00fc\u00dfe\r\n', mopts=['SMTPUTF8', 'BODY=8BITMIME'])
longline = 'x' * 3000
send('sender@remote.example', ['nosuch@mail.example.com'],
     msg('K long line', 'before\r\n' + longline + '\r\n8bit: caf\u00e9\r\n--not-a-boundary\r\n.dot line\r\nafter\r\n',
         extra='Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n'), mopts=['BODY=8BITMIME'])
send('"john doe"@remote.example', ['nosuch@mail.example.com'], msg('L quoted sender', 'quoted local part\r\n'))
print('sent')
