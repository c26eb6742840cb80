#include "net/httprequestparser.h"

#include <QUrl>

namespace ktx {

namespace {

// A chunk-size line is a hex number plus optional extensions; anything longer
// than this is an attack, not a client.
constexpr qsizetype MaxChunkLineBytes = 4096;

bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
        return true;
    default:
        return false;
    }
}

bool isToken(QByteArrayView text)
{
    if (text.isEmpty())
        return false;
    for (const char c : text) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

bool hasControlChars(QByteArrayView text)
{
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t') || u == 0x7f)
            return true;
    }
    return false;
}

} // namespace

HttpRequestParser::HttpRequestParser(qsizetype maxHeaderBytes, qsizetype maxBodyBytes)
    : m_maxHeaderBytes(maxHeaderBytes)
    , m_maxBodyBytes(maxBodyBytes)
{ }

void HttpRequestParser::append(QByteArrayView bytes)
{
    if (m_state == State::Error)
        return;
    m_buffer.append(bytes);
}

bool HttpRequestParser::hasPartialRequest() const
{
    return (m_state != State::Head && m_state != State::Done) || m_haveRequestLine
        || m_buffer.size() > m_pos;
}

HttpRequest HttpRequestParser::takeRequest()
{
    return std::exchange(m_ready, HttpRequest());
}

HttpRequestParser::Status HttpRequestParser::fail(int status, const char *message)
{
    m_state = State::Error;
    m_errorStatus = status;
    m_errorMessage = message;
    m_buffer.clear();
    m_pos = 0;
    return Status::Failed;
}

void HttpRequestParser::compact()
{
    // Dropping consumed bytes only once they are the larger part keeps a
    // pipelined or byte-by-byte stream linear instead of quadratic.
    if (m_pos > 0 && (m_pos == m_buffer.size() || m_pos > m_buffer.size() / 2)) {
        m_buffer.remove(0, m_pos);
        m_pos = 0;
    }
}

bool HttpRequestParser::takeLine(QByteArray *line, qsizetype limit, bool *overLimit)
{
    *overLimit = false;
    const qsizetype end = m_buffer.indexOf('\n', m_pos);
    if (end < 0) {
        *overLimit = m_buffer.size() - m_pos > limit;
        return false;
    }
    if (end + 1 - m_pos > limit) {
        *overLimit = true;
        return false;
    }
    qsizetype lineEnd = end;
    if (lineEnd > m_pos && m_buffer.at(lineEnd - 1) == '\r')
        --lineEnd;
    *line = m_buffer.mid(m_pos, lineEnd - m_pos);
    m_pos = end + 1;
    return true;
}

HttpRequestParser::Status HttpRequestParser::next()
{
    for (;;) {
        switch (m_state) {
        case State::Error:
            return Status::Failed;
        case State::Done:
            m_state = State::Head;
            break;
        case State::Head: {
            QByteArray line;
            bool overLimit = false;
            const qsizetype before = m_pos;
            if (!takeLine(&line, m_maxHeaderBytes - m_headBytes, &overLimit)) {
                compact();
                if (overLimit)
                    return fail(431, "Request header fields too large");
                return Status::NeedMore;
            }
            m_headBytes += m_pos - before;
            if (!m_haveRequestLine) {
                // RFC 9112 2.2: ignore empty lines before a request line.
                if (line.isEmpty()) {
                    m_headBytes = 0;
                    continue;
                }
                const Status s = parseRequestLine(line);
                if (s != Status::NeedMore)
                    return s;
                m_haveRequestLine = true;
                continue;
            }
            if (line.isEmpty()) {
                const Status s = finishHead();
                if (s != Status::NeedMore)
                    return s;
                continue;
            }
            const Status s = parseHeaderLine(line);
            if (s != Status::NeedMore)
                return s;
            continue;
        }
        case State::Body: {
            const qsizetype available = m_buffer.size() - m_pos;
            if (available < m_bodyRemaining) {
                compact();
                return Status::NeedMore;
            }
            m_current.body = m_buffer.mid(m_pos, m_bodyRemaining);
            m_pos += m_bodyRemaining;
            m_bodyRemaining = 0;
            m_ready = std::exchange(m_current, HttpRequest());
            m_state = State::Done;
            m_expectContinue = false;
            compact();
            return Status::Request;
        }
        case State::ChunkSize: {
            QByteArray line;
            bool overLimit = false;
            if (!takeLine(&line, MaxChunkLineBytes, &overLimit)) {
                compact();
                if (overLimit)
                    return fail(400, "Malformed chunk size line");
                return Status::NeedMore;
            }
            const qsizetype semicolon = line.indexOf(';');
            const QByteArray digits = (semicolon >= 0 ? line.left(semicolon) : line).trimmed();
            if (digits.isEmpty() || digits.size() > 15)
                return fail(400, "Malformed chunk size");
            bool ok = false;
            const qlonglong size = digits.toLongLong(&ok, 16);
            if (!ok || size < 0 || digits.startsWith('-') || digits.startsWith('+'))
                return fail(400, "Malformed chunk size");
            if (size == 0) {
                m_state = State::Trailers;
                continue;
            }
            if (m_current.body.size() + size > m_maxBodyBytes)
                return fail(413, "Request body too large");
            m_bodyRemaining = size;
            m_state = State::ChunkData;
            continue;
        }
        case State::ChunkData: {
            const qsizetype take = std::min(m_bodyRemaining, m_buffer.size() - m_pos);
            if (take <= 0) {
                compact();
                return Status::NeedMore;
            }
            m_current.body.append(QByteArrayView(m_buffer).sliced(m_pos, take));
            m_pos += take;
            m_bodyRemaining -= take;
            if (m_bodyRemaining == 0)
                m_state = State::ChunkDataEnd;
            continue;
        }
        case State::ChunkDataEnd: {
            const qsizetype available = m_buffer.size() - m_pos;
            if (available < 1)
                return Status::NeedMore;
            if (m_buffer.at(m_pos) == '\n') {
                m_pos += 1;
            } else if (m_buffer.at(m_pos) == '\r') {
                if (available < 2)
                    return Status::NeedMore;
                if (m_buffer.at(m_pos + 1) != '\n')
                    return fail(400, "Malformed chunk: data not followed by CRLF");
                m_pos += 2;
            } else {
                return fail(400, "Malformed chunk: data longer than its size");
            }
            m_state = State::ChunkSize;
            continue;
        }
        case State::Trailers: {
            // Trailer fields count against the header limit and are dropped:
            // nothing we serve reads them.
            QByteArray line;
            bool overLimit = false;
            const qsizetype before = m_pos;
            if (!takeLine(&line, m_maxHeaderBytes - m_headBytes, &overLimit)) {
                compact();
                if (overLimit)
                    return fail(431, "Request trailer fields too large");
                return Status::NeedMore;
            }
            m_headBytes += m_pos - before;
            if (!line.isEmpty())
                continue;
            m_ready = std::exchange(m_current, HttpRequest());
            m_state = State::Done;
            m_expectContinue = false;
            compact();
            return Status::Request;
        }
        }
    }
}

HttpRequestParser::Status HttpRequestParser::parseRequestLine(const QByteArray &line)
{
    const QList<QByteArray> parts = line.split(' ');
    if (parts.size() != 3 || !isToken(parts.at(0)) || parts.at(1).isEmpty()
        || hasControlChars(parts.at(1)))
        return fail(400, "Malformed request line");
    const QByteArray &version = parts.at(2);
    if (!version.startsWith("HTTP/") || version.size() != 8 || version.at(6) != '.')
        return fail(400, "Malformed HTTP version");
    if (version.at(5) != '1' || (version.at(7) != '0' && version.at(7) != '1'))
        return fail(505, "HTTP version not supported");

    m_current.method = parts.at(0);
    m_current.target = parts.at(1);
    m_current.versionMinor = version.at(7) - '0';

    QByteArray pathAndQuery = m_current.target;
    if (pathAndQuery.startsWith("http://") || pathAndQuery.startsWith("https://")) {
        // Absolute form (what a proxy would send): keep only path and query.
        const QUrl url = QUrl::fromEncoded(pathAndQuery);
        if (!url.isValid())
            return fail(400, "Malformed request target");
        pathAndQuery = url.path(QUrl::FullyEncoded).toUtf8();
        if (pathAndQuery.isEmpty())
            pathAndQuery = "/";
        if (url.hasQuery())
            pathAndQuery += '?' + url.query(QUrl::FullyEncoded).toUtf8();
    } else if (!pathAndQuery.startsWith('/') && pathAndQuery != "*") {
        return fail(400, "Malformed request target");
    }
    const qsizetype question = pathAndQuery.indexOf('?');
    const QByteArray encodedPath = question >= 0 ? pathAndQuery.left(question) : pathAndQuery;
    m_current.path = QUrl::fromPercentEncoding(encodedPath);
    if (question >= 0)
        m_current.query = QUrlQuery(QString::fromUtf8(pathAndQuery.mid(question + 1)));
    return Status::NeedMore;
}

HttpRequestParser::Status HttpRequestParser::parseHeaderLine(const QByteArray &line)
{
    if (line.startsWith(' ') || line.startsWith('\t'))
        return fail(400, "Obsolete header line folding is not accepted");
    const qsizetype colon = line.indexOf(':');
    if (colon <= 0)
        return fail(400, "Malformed header field");
    const QByteArray name = line.left(colon);
    if (!isToken(name))
        return fail(400, "Malformed header field name");
    const QByteArray value = line.mid(colon + 1).trimmed();
    if (hasControlChars(value))
        return fail(400, "Control characters in a header field value");
    m_current.headers.append({name, value});
    return Status::NeedMore;
}

HttpRequestParser::Status HttpRequestParser::finishHead()
{
    m_haveRequestLine = false;
    m_headBytes = 0;

    const QList<QByteArray> hosts = m_current.headerValues("Host");
    if (hosts.size() > 1 || (m_current.versionMinor >= 1 && hosts.isEmpty()))
        return fail(400, "An HTTP/1.1 request needs exactly one Host header");

    const bool chunked = m_current.hasHeader("Transfer-Encoding");
    const QList<QByteArray> lengths = m_current.headerValues("Content-Length");
    if (chunked && !lengths.isEmpty())
        return fail(400, "Both Content-Length and Transfer-Encoding are set");

    qlonglong length = 0;
    if (chunked) {
        const QList<QByteArray> codings = m_current.headerValues("Transfer-Encoding");
        if (codings.size() != 1 || codings.first().trimmed().toLower() != "chunked")
            return fail(501, "Only the chunked transfer coding is supported");
    } else if (!lengths.isEmpty()) {
        // Repeated or listed values are allowed only when they all agree.
        qlonglong seen = -1;
        for (const QByteArray &header : lengths) {
            for (const QByteArray &part : header.split(',')) {
                const QByteArray digits = part.trimmed();
                bool ok = !digits.isEmpty() && digits.size() <= 18;
                for (const char c : digits)
                    ok = ok && c >= '0' && c <= '9';
                if (!ok)
                    return fail(400, "Malformed Content-Length");
                const qlonglong value = digits.toLongLong();
                if (seen >= 0 && value != seen)
                    return fail(400, "Conflicting Content-Length values");
                seen = value;
            }
        }
        length = seen;
        if (length > m_maxBodyBytes)
            return fail(413, "Request body too large");
    }

    const QByteArray expect = m_current.header("Expect");
    if (!expect.isEmpty()) {
        if (expect.trimmed().toLower() != "100-continue")
            return fail(417, "Unsupported Expect value");
        m_expectContinue = chunked || length > 0;
    }

    if (chunked) {
        m_state = State::ChunkSize;
        return Status::NeedMore;
    }
    m_bodyRemaining = length;
    m_state = State::Body;
    return Status::NeedMore;
}

} // namespace ktx
