#include "jsonlexer.h"

#include <algorithm>

namespace ktx {

int JsonLexer::lexLine(QStringView line, int, QList<TokenSpan> &spans) const
{
    const int n = int(line.size());
    const auto add = [&spans](int start, int end, TokenClass token) {
        if (end > start)
            spans.append({start, end - start, token});
    };

    int i = 0;
    while (i < n) {
        const QChar c = line[i];
        if (c == u'"') {
            int end = i + 1;
            while (end < n && line[end] != u'"')
                end += line[end] == u'\\' ? 2 : 1;
            end = std::min(end + 1, n); // an unterminated string runs to the line's end
            int after = end;
            while (after < n && line[after].isSpace())
                ++after;
            add(i, end, after < n && line[after] == u':' ? TokenClass::Key : TokenClass::String);
            i = end;
        } else if (c.isDigit() || (c == u'-' && i + 1 < n && line[i + 1].isDigit())) {
            int end = i + 1;
            while (end < n
                   && (line[end].isDigit() || line[end] == u'.' || line[end] == u'e'
                       || line[end] == u'E' || line[end] == u'+' || line[end] == u'-'))
                ++end;
            add(i, end, TokenClass::Number);
            i = end;
        } else if (c.isLetter()) {
            int end = i + 1;
            while (end < n && line[end].isLetter())
                ++end;
            const QStringView word = line.mid(i, end - i);
            if (word == u"true" || word == u"false" || word == u"null")
                add(i, end, TokenClass::Constant);
            i = end;
        } else if (QStringView(u"{}[],:").contains(c)) {
            add(i, i + 1, TokenClass::Operator);
            ++i;
        } else {
            ++i;
        }
    }
    return 0;
}

} // namespace ktx
