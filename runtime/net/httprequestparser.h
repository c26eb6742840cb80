#pragma once

#include "net/httprequest.h"

#include <QByteArray>

namespace ktx {

// Incremental HTTP/1.x request parser: feed it bytes as they arrive, take
// requests out as they complete. It accepts Content-Length and chunked bodies,
// enforces the head and body limits, and refuses what a proxy in front of us
// could read differently (both Content-Length and Transfer-Encoding, obsolete
// line folding, conflicting lengths), so one connection cannot smuggle a
// request past another reader.
class HttpRequestParser
{
public:
    enum class Status {
        NeedMore, // the next request is incomplete
        Request, // takeRequest() returns the next complete request
        Failed, // malformed or over a limit; errorStatus() says how to answer
    };

    HttpRequestParser(qsizetype maxHeaderBytes, qsizetype maxBodyBytes);

    void append(QByteArrayView bytes);
    Status next();
    HttpRequest takeRequest();

    // The status code to answer a failure with (400, 413, 431, 501, 505, 417)
    // and a one-line reason for the response body.
    int errorStatus() const { return m_errorStatus; }
    QByteArray errorMessage() const { return m_errorMessage; }

    // True once the head of a request that sent "Expect: 100-continue" has been
    // read and its body is still to come; the connection answers "100 Continue"
    // and calls continueSent().
    bool expectsContinue() const { return m_expectContinue; }
    void continueSent() { m_expectContinue = false; }

    // True while part of a request is buffered (used to tell an idle connection
    // from one that stalls halfway through a request).
    bool hasPartialRequest() const;

private:
    enum class State { Head, Body, ChunkSize, ChunkData, ChunkDataEnd, Trailers, Done, Error };

    Status fail(int status, const char *message);
    bool takeLine(QByteArray *line, qsizetype limit, bool *overLimit);
    Status parseRequestLine(const QByteArray &line);
    Status parseHeaderLine(const QByteArray &line);
    Status finishHead();
    void compact();

    qsizetype m_maxHeaderBytes;
    qsizetype m_maxBodyBytes;
    QByteArray m_buffer;
    qsizetype m_pos = 0; // bytes of m_buffer already consumed
    State m_state = State::Head;
    bool m_haveRequestLine = false;
    qsizetype m_headBytes = 0;
    qsizetype m_bodyRemaining = 0;
    bool m_expectContinue = false;
    HttpRequest m_current;
    HttpRequest m_ready;
    int m_errorStatus = 0;
    QByteArray m_errorMessage;
};

} // namespace ktx
