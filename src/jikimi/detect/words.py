"""Context word lists shared by several recognizers (lower-case, ko/zh/en)."""

from __future__ import annotations

# Words that label a number as something other than personal data.
ORDER_WORDS: tuple[str, ...] = (
    "주문번호", "주문 번호", "송장", "운송장", "배송조회", "상품번호", "모델명", "일련번호",
    "order", "tracking", "invoice", "waybill", "transaction", "txn", "serial", "s/n", "sku",
    "isbn", "ticket", "build", "version", "ref no", "reference",
    "订单", "运单", "快递单号", "单号", "流水号", "交易号", "编号", "序列号", "型号",
)
