#include "net/sseparser.h"

#include <algorithm>

namespace ktx {

namespace {
constexpr char Bom[] = "\xEF\xBB\xBF";
}

SseParser::SseParser(qsizetype maxEventBytes)
    : m_maxEventBytes(maxEventBytes)
{ }

void SseParser::finish()
{
    m_line.clear();
    m_data.clear();
    m_eventType.clear();
    m_atStart = true;
    m_bomMatched = 0;
    m_pendingCR = false;
}

QList<SseEvent> SseParser::feed(QByteArrayView bytes)
{
    QList<SseEvent> out;
    if (m_error)
        return out;
    qsizetype i = 0;
    const qsizetype n = bytes.size();
    // The BOM may itself arrive split across feeds.
    while (m_atStart && i < n) {
        if (bytes.at(i) == Bom[m_bomMatched]) {
            ++i;
            if (++m_bomMatched == 3)
                m_atStart = false;
        } else {
            m_line.append(Bom, m_bomMatched);
            m_atStart = false;
        }
    }
    const char *begin = bytes.data();
    while (i < n) {
        if (m_pendingCR) {
            m_pendingCR = false;
            if (bytes.at(i) == '\n') {
                ++i;
                continue;
            }
        }
        const char *from = begin + i;
        const char *eol
            = std::find_if(from, begin + n, [](char c) { return c == '\r' || c == '\n'; });
        m_line.append(from, eol - from);
        if (m_line.size() > m_maxEventBytes) {
            m_error = true;
            return out;
        }
        if (eol == begin + n)
            break;
        m_pendingCR = *eol == '\r';
        i = (eol - begin) + 1;
        processLine(out);
        if (m_error)
            return out;
    }
    return out;
}

void SseParser::processLine(QList<SseEvent> &out)
{
    const QByteArray line = std::exchange(m_line, QByteArray());
    if (line.isEmpty()) {
        dispatch(out);
        return;
    }
    if (line.startsWith(':'))
        return; // comment
    const qsizetype colon = line.indexOf(':');
    const QByteArrayView field
        = colon < 0 ? QByteArrayView(line) : QByteArrayView(line).first(colon);
    QByteArrayView value;
    if (colon >= 0) {
        value = QByteArrayView(line).sliced(colon + 1);
        if (value.startsWith(' '))
            value = value.sliced(1);
    }
    if (field == "event") {
        m_eventType = value.toByteArray();
    } else if (field == "data") {
        m_data += value;
        m_data += '\n';
        if (m_data.size() > m_maxEventBytes)
            m_error = true;
    } else if (field == "id") {
        if (!value.contains('\0'))
            m_lastEventId = value.toByteArray();
    } else if (field == "retry") {
        bool digits = !value.isEmpty();
        for (const char c : value)
            digits = digits && c >= '0' && c <= '9';
        bool ok = false;
        const int ms = digits ? value.toInt(&ok) : -1;
        if (ok)
            m_retryMs = ms;
    }
    // Other fields are ignored, as the standard says.
}

void SseParser::dispatch(QList<SseEvent> &out)
{
    if (m_data.isEmpty()) {
        m_eventType.clear();
        return;
    }
    m_data.chop(1); // the '\n' after the last data line
    SseEvent event;
    event.event = std::exchange(m_eventType, QByteArray());
    event.data = std::exchange(m_data, QByteArray());
    event.id = m_lastEventId;
    out.append(std::move(event));
}

} // namespace ktx
