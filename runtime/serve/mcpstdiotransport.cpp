#include "serve/mcpstdiotransport.h"

#include "serve/jsonrpc.h"
#include "serve/mcpserver.h"
#include "serve/mcpsession.h"

#include <QThread>

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace ktx {

McpStdioTransport::McpStdioTransport(McpServer *server, int inputFd, int outputFd, QObject *parent)
    : QObject(parent)
    , m_server(server)
    , m_session(new McpSession(this))
    , m_inputFd(inputFd)
    , m_outputFd(outputFd)
{
    connect(server, &McpServer::toolCallFinished, this, [this] {
        if (m_inputEnded && !m_finished && m_session->callsInFlight() == 0) {
            m_finished = true;
            Q_EMIT finished();
        }
    });
}

McpStdioTransport::~McpStdioTransport()
{
    if (m_reader) {
        const char wake = 'x';
        (void)!::write(m_wakeFds[1], &wake, 1);
        m_reader->wait();
    }
    for (int fd : m_wakeFds) {
        if (fd >= 0)
            ::close(fd);
    }
}

void McpStdioTransport::start()
{
    if (m_reader)
        return;
    std::signal(SIGPIPE, SIG_IGN);
    if (::pipe2(m_wakeFds, O_CLOEXEC) != 0) {
        qWarning("ktx mcp stdio: cannot create a wake-up pipe: %s", strerror(errno));
        return;
    }
    m_reader.reset(QThread::create([this] { readLoop(); }));
    m_reader->setObjectName(QStringLiteral("mcp-stdio-reader"));
    m_reader->start();
}

// Runs on the reader thread: splits the input into lines and posts each one
// to the transport's thread. Touches no member but the fds and the limit.
void McpStdioTransport::readLoop()
{
    QByteArray line;
    bool discarding = false; // inside a line that went over the limit
    char buffer[64 * 1024];
    for (;;) {
        pollfd fds[2] = {{m_inputFd, POLLIN, 0}, {m_wakeFds[0], POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (fds[1].revents != 0)
            return; // the transport is going away; it needs no more signals
        if (fds[0].revents == 0)
            continue;
        const ssize_t n = ::read(m_inputFd, buffer, sizeof buffer);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n <= 0)
            break;
        qsizetype from = 0;
        for (qsizetype i = 0; i < n; ++i) {
            if (buffer[i] != '\n')
                continue;
            if (!discarding) {
                line.append(buffer + from, i - from);
                if (line.endsWith('\r'))
                    line.chop(1);
                if (line.size() > m_maxMessageBytes) {
                    QMetaObject::invokeMethod(this, &McpStdioTransport::refuseOversized,
                                              Qt::QueuedConnection);
                } else if (!line.trimmed().isEmpty()) {
                    QMetaObject::invokeMethod(
                        this, [this, line] { receive(line); }, Qt::QueuedConnection);
                }
            }
            line.clear();
            discarding = false;
            from = i + 1;
        }
        if (!discarding) {
            line.append(buffer + from, n - from);
            if (line.size() > m_maxMessageBytes) {
                line.clear();
                discarding = true;
                QMetaObject::invokeMethod(this, &McpStdioTransport::refuseOversized,
                                          Qt::QueuedConnection);
            }
        }
    }
    // A last message without its newline still counts.
    if (!discarding && !line.trimmed().isEmpty())
        QMetaObject::invokeMethod(
            this, [this, line] { receive(line); }, Qt::QueuedConnection);
    QMetaObject::invokeMethod(this, &McpStdioTransport::inputEnded, Qt::QueuedConnection);
}

void McpStdioTransport::receive(const QByteArray &line)
{
    m_server->handle(m_session, line, [this](const QByteArray &message) { send(message); });
}

void McpStdioTransport::refuseOversized()
{
    send(JsonRpc::encode(JsonRpc::error(
        QJsonValue::Null, JsonRpc::InvalidRequest,
        QStringLiteral("Invalid Request: message larger than %1 bytes").arg(m_maxMessageBytes))));
}

void McpStdioTransport::inputEnded()
{
    m_inputEnded = true;
    m_session->cancelAll();
    if (m_session->callsInFlight() == 0 && !m_finished) {
        m_finished = true;
        Q_EMIT finished();
    }
}

void McpStdioTransport::send(const QByteArray &message)
{
    if (message.isEmpty())
        return; // a cancelled request: no answer
    const QByteArray frame = message + '\n';
    QMutexLocker lock(&m_writeLock);
    if (m_outputBroken)
        return;
    qsizetype written = 0;
    while (written < frame.size()) {
        const ssize_t n = ::write(m_outputFd, frame.constData() + written, frame.size() - written);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN) {
            pollfd fd {m_outputFd, POLLOUT, 0};
            ::poll(&fd, 1, 1000);
            continue;
        }
        if (n <= 0) {
            m_outputBroken = true; // the client is gone; stdin's end will follow
            return;
        }
        written += n;
    }
}

} // namespace ktx
