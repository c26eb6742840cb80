#include "net/httprequest.h"

namespace ktx {

QByteArray httpHeaderValue(const HttpHeaders &headers, QByteArrayView name)
{
    for (const auto &[key, value] : headers) {
        if (QByteArrayView(key).compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

bool httpHeaderHasToken(const HttpHeaders &headers, QByteArrayView name, QByteArrayView token)
{
    for (const auto &[key, value] : headers) {
        if (QByteArrayView(key).compare(name, Qt::CaseInsensitive) != 0)
            continue;
        for (const QByteArray &part : value.split(',')) {
            if (QByteArrayView(part).trimmed().compare(token, Qt::CaseInsensitive) == 0)
                return true;
        }
    }
    return false;
}

bool HttpRequest::hasHeader(QByteArrayView name) const
{
    for (const auto &header : headers) {
        if (QByteArrayView(header.first).compare(name, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

QList<QByteArray> HttpRequest::headerValues(QByteArrayView name) const
{
    QList<QByteArray> out;
    for (const auto &[key, value] : headers) {
        if (QByteArrayView(key).compare(name, Qt::CaseInsensitive) == 0)
            out << value;
    }
    return out;
}

bool HttpRequest::wantsKeepAlive() const
{
    if (headerHasToken("Connection", "close"))
        return false;
    return versionMinor >= 1 || headerHasToken("Connection", "keep-alive");
}

} // namespace ktx
