#include "net/ssewriter.h"

namespace ktx {

namespace {

// Event names and ids are single-line by definition; a newline in one would
// start a field of the attacker's choosing.
QByteArray singleLine(QByteArrayView text)
{
    QByteArray out = text.toByteArray();
    for (char &c : out) {
        if (c == '\r' || c == '\n')
            c = ' ';
    }
    return out;
}

void appendLines(QByteArray &out, QByteArrayView field, QByteArrayView text)
{
    qsizetype start = 0;
    for (qsizetype i = 0; i <= text.size(); ++i) {
        if (i < text.size() && text.at(i) != '\r' && text.at(i) != '\n')
            continue;
        out += field;
        out += ':';
        if (i > start)
            out += ' ' + text.sliced(start, i - start).toByteArray();
        out += '\n';
        if (i + 1 < text.size() && text.at(i) == '\r' && text.at(i + 1) == '\n')
            ++i;
        start = i + 1;
    }
}

} // namespace

QByteArray SseWriter::encode(const SseEvent &event)
{
    QByteArray out;
    out.reserve(event.data.size() + event.event.size() + 32);
    if (!event.event.isEmpty())
        out += "event: " + singleLine(event.event) + '\n';
    if (!event.id.isEmpty())
        out += "id: " + singleLine(event.id) + '\n';
    if (event.retryMs >= 0)
        out += "retry: " + QByteArray::number(event.retryMs) + '\n';
    appendLines(out, "data", event.data);
    out += '\n';
    return out;
}

QByteArray SseWriter::encode(QByteArrayView eventType, QByteArrayView data)
{
    SseEvent event;
    event.event = eventType.toByteArray();
    event.data = data.toByteArray();
    return encode(event);
}

QByteArray SseWriter::comment(QByteArrayView text)
{
    // A comment is a line starting with ':'; each line of `text` gets one.
    QByteArray out;
    appendLines(out, "", text);
    return out;
}

HttpHeaders SseWriter::streamHeaders()
{
    return {{"Content-Type", "text/event-stream"}, {"Cache-Control", "no-cache"}};
}

} // namespace ktx
