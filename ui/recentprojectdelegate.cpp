#include "recentprojectdelegate.h"

#include "colorscheme.h"
#include "models/recentprojectsmodel.h"

#include <QApplication>
#include <QPainter>

namespace ktx {

namespace {
constexpr int HorizontalPadding = 12;
constexpr int VerticalPadding = 7;
constexpr int LineGap = 2;
} // namespace

void RecentProjectDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                                  const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear();
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

    const bool selected = option.state & QStyle::State_Selected;
    const QPalette &palette = option.palette;
    const QColor primary = palette.color(selected ? QPalette::HighlightedText : QPalette::Text);
    const QColor secondary
        = selected ? palette.color(QPalette::HighlightedText) : ColorScheme::secondaryText(palette);

    QFont nameFont = option.font;
    nameFont.setBold(true);
    const QFontMetrics nameMetrics(nameFont);
    const QFontMetrics pathMetrics(option.font);
    const QRect area = option.rect.adjusted(HorizontalPadding, VerticalPadding, -HorizontalPadding,
                                            -VerticalPadding);

    painter->save();
    painter->setFont(nameFont);
    painter->setPen(primary);
    const QRect nameRect(area.left(), area.top(), area.width(), nameMetrics.height());
    painter->drawText(nameRect, Qt::AlignLeft | Qt::AlignVCenter,
                      nameMetrics.elidedText(index.data(RecentProjectsModel::NameRole).toString(),
                                             Qt::ElideRight, area.width()));
    painter->setFont(option.font);
    painter->setPen(secondary);
    const QRect pathRect(area.left(), nameRect.bottom() + 1 + LineGap, area.width(),
                         pathMetrics.height());
    painter->drawText(pathRect, Qt::AlignLeft | Qt::AlignVCenter,
                      pathMetrics.elidedText(index.data(RecentProjectsModel::PathRole).toString(),
                                             Qt::ElideMiddle, area.width()));
    painter->restore();
}

QSize RecentProjectDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &) const
{
    QFont nameFont = option.font;
    nameFont.setBold(true);
    const int height = QFontMetrics(nameFont).height() + LineGap
        + QFontMetrics(option.font).height() + 2 * VerticalPadding;
    return QSize(200, height);
}

} // namespace ktx
