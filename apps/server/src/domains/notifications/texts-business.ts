/** What suppliers and admins are told, per event, in English, Shona and Ndebele. */
export const BUSINESS_TEXTS = {
  dispute_opened: {
    title: {
      en: "Dispute on {group}",
      sn: "Kupokana paboka {group}",
      nd: "Ukuphikisana eqenjini {group}",
    },
    text: {
      en: "ConnectSphere: a dispute was opened on group {group} ({reason}). Review it in the admin console.",
      sn: "ConnectSphere: kupokana kwavhurwa paboka {group} ({reason}). Kuongorore mu admin console.",
      nd: "ConnectSphere: ukuphikisana kuvuliwe eqenjini {group} ({reason}). Kuhlole ku admin console.",
    },
  },
  dispute_resolved: {
    title: {
      en: "Dispute on {group} resolved",
      sn: "Kupokana pa{group} kwagadziriswa",
      nd: "Ukuphikisana ku {group} kulungisiwe",
    },
    text: {
      en: "ConnectSphere: the dispute on group {group} has been resolved. See the details in the app.",
      sn: "ConnectSphere: kupokana paboka {group} kwagadziriswa. Ona zvakawanda mu app.",
      nd: "ConnectSphere: ukuphikisana eqenjini {group} kulungisiwe. Bona okunengi ku-app.",
    },
  },
  order_new: {
    title: { en: "New order {group}", sn: "Odha itsva {group}", nd: "I-oda entsha {group}" },
    text: {
      en: "ConnectSphere: new order {group}: {qty} x {unit}. Accept or reject within {hours} h in the app, or the group is refunded.",
      sn: "ConnectSphere: odha itsva {group}: {qty} x {unit}. Gamuchira kana ramba mukati memaawa {hours} mu app, kana boka ridzoserwe mari.",
      nd: "ConnectSphere: i-oda entsha {group}: {qty} x {unit}. Yamukela kumbe uyale emahoreni {hours} ku-app, kungenjalo iqembu libuyiselwe.",
    },
  },
  order_response_due: {
    title: {
      en: "Order {group} needs your answer",
      sn: "Odha {group} inoda mhinduro yako",
      nd: "I-oda {group} idinga impendulo yakho",
    },
    text: {
      en: "ConnectSphere: order {group} still needs your answer. Accept or reject within {hours} h, or the group is refunded.",
      sn: "ConnectSphere: odha {group} ichiri kuda mhinduro yako. Gamuchira kana ramba mumaawa {hours}, kana boka ridzoserwe mari.",
      nd: "ConnectSphere: i-oda {group} isadinga impendulo yakho. Yamukela kumbe uyale emahoreni {hours}, kungenjalo libuyiselwe.",
    },
  },
  payout_released: {
    title: { en: "Payout paid", sn: "Mari yabhadharwa", nd: "Imali ibhadaliwe" },
    text: {
      en: "ConnectSphere: a payout of {amount} was paid to your account (ref {ref}).",
      sn: "ConnectSphere: mari inosvika {amount} yaiswa muakaundi yako (ref {ref}).",
      nd: "ConnectSphere: imali engu {amount} ifakiwe ku-akhawunti yakho (ref {ref}).",
    },
  },
  reconciliation_mismatch: {
    title: {
      en: "Reconciliation mismatches",
      sn: "Kusawirirana muhuwandu",
      nd: "Ukungafanani kwezibalo",
    },
    text: {
      en: "ConnectSphere: reconciliation of {date} found {count} mismatch(es). Review them in the admin console.",
      sn: "ConnectSphere: kuenzanisa kwa{date} kwawana {count} kusawirirana. Zviongorore mu admin console.",
      nd: "ConnectSphere: ukuqhathanisa kuka {date} kuthole {count} ukungafanani. Kuhlole ku admin console.",
    },
  },
} as const;
