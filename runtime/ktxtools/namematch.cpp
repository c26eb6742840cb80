#include "ktxtools/namematch.h"

#include <QList>

#include <algorithm>

namespace ktx {

int NameMatch::distance(const QString &a, const QString &b)
{
    QList<int> previous(b.size() + 1);
    QList<int> current(b.size() + 1);
    for (int j = 0; j <= b.size(); ++j)
        previous[j] = j;
    for (int i = 1; i <= a.size(); ++i) {
        current[0] = i;
        for (int j = 1; j <= b.size(); ++j) {
            const int substitute = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitute});
        }
        std::swap(previous, current);
    }
    return previous[b.size()];
}

bool NameMatch::similar(const QString &typed, const QString &candidate)
{
    const QString a = typed.toLower();
    const QString b = candidate.toLower();
    if (a.isEmpty() || b.isEmpty())
        return false;
    if (a.contains(b) || b.contains(a))
        return true;
    return distance(a, b) <= std::max(2, int(std::min(a.size(), b.size())) / 3);
}

} // namespace ktx
