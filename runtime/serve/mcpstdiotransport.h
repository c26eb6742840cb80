#pragma once

#include <QMutex>
#include <QObject>

#include <memory>

class QThread;

namespace ktx {

class McpServer;
class McpSession;

// MCP over stdio: newline-delimited JSON-RPC messages on stdin, answers on
// stdout, one session. A reader thread blocks on the input so the server's
// thread never does; writes are serialized and carry nothing but MCP messages
// (logs belong on stderr). When the input ends - the client closed it or went
// away - calls in flight are cancelled, and finished() is emitted once they
// have wound down (cancelled calls get no answer, as the spec says).
class McpStdioTransport : public QObject
{
    Q_OBJECT

public:
    static constexpr qsizetype DefaultMaxMessageBytes = 8 * 1024 * 1024;

    // Reads `inputFd` and writes `outputFd` (stdin and stdout unless a test
    // passes pipes). The transport does not close them.
    explicit McpStdioTransport(McpServer *server, int inputFd = 0, int outputFd = 1,
                               QObject *parent = nullptr);
    ~McpStdioTransport() override;

    // A longer line is refused with a JSON-RPC error instead of buffered.
    void setMaxMessageBytes(qsizetype bytes) { m_maxMessageBytes = bytes; }

    // Starts reading. Also ignores SIGPIPE for the process: a client that
    // exits while we answer must not kill us mid-write.
    void start();
    McpSession *session() const { return m_session; }

Q_SIGNALS:
    void finished();

private:
    void readLoop();
    void receive(const QByteArray &line);
    void refuseOversized();
    void inputEnded();
    void send(const QByteArray &message);

    McpServer *m_server;
    McpSession *m_session;
    int m_inputFd;
    int m_outputFd;
    int m_wakeFds[2] = {-1, -1}; // lets the destructor interrupt the blocked reader
    qsizetype m_maxMessageBytes = DefaultMaxMessageBytes;
    std::unique_ptr<QThread> m_reader;
    QMutex m_writeLock;
    bool m_outputBroken = false;
    bool m_inputEnded = false;
    bool m_finished = false;
};

} // namespace ktx
