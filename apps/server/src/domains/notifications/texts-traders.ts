/**
 * What traders are told, per event, in English, Shona and Ndebele. `title` heads the in-app
 * notification and the email; `text` is the SMS (one 160-character GSM segment with worst-case
 * values, measured by templates.test.ts), the WhatsApp text and the email body.
 */
export const TRADER_TEXTS = {
  joined: {
    title: {
      en: "You joined group {group}",
      sn: "Wapinda muboka {group}",
      nd: "Ungene eqenjini {group}",
    },
    text: {
      en: "ConnectSphere: you joined group {group} for {qty} x {product}. Pay {amount} to keep your place.",
      sn: "ConnectSphere: wapinda muboka {group} kuti uwane {qty} x {product}. Bhadhara {amount} kuti uchengetedze nzvimbo yako.",
      nd: "ConnectSphere: ungene eqenjini {group} ukuthola {qty} x {product}. Bhadala {amount} ukugcina indawo yakho.",
    },
  },
  payment_confirmed: {
    title: { en: "Payment received", sn: "Mari yatambirwa", nd: "Imali yamukelwe" },
    text: {
      en: "ConnectSphere: your payment of {amount} for group {group} was received. Your place is secured. Thank you.",
      sn: "ConnectSphere: mari yako {amount} yeboka {group} yatambirwa. Nzvimbo yako yakachengeteka. Tatenda.",
      nd: "ConnectSphere: imali yakho {amount} yeqembu {group} yamukelwe. Indawo yakho igciniwe. Siyabonga.",
    },
  },
  payment_failed: {
    title: {
      en: "Payment did not go through",
      sn: "Kubhadhara hakuna kubudirira",
      nd: "Inkokhelo ayiphumelelanga",
    },
    text: {
      en: "ConnectSphere: your payment of {amount} for group {group} did not go through. Open the app to try again or pay another way.",
      sn: "ConnectSphere: kubhadhara kwako {amount} kweboka {group} hakuna kubudirira. Vhura app, edza zvakare kana imwe nzira.",
      nd: "ConnectSphere: inkokhelo yakho {amount} yeqembu {group} ayiphumelelanga. Vula i-app uzame futhi kumbe ngenye indlela.",
    },
  },
  tier_dropped: {
    title: { en: "The price dropped", sn: "Mutengo wadzikira", nd: "Intengo yehlile" },
    text: {
      en: "ConnectSphere: good news, group {group} reached a new tier. The price is now {price} each, so you will pay less.",
      sn: "ConnectSphere: nhau dzakanaka, boka {group} rasvika padanho idzva. Mutengo wava {price} chimwe nechimwe, uchabhadhara zvishoma.",
      nd: "ConnectSphere: izindaba ezinhle, iqembu {group} lifike ezingeni elitsha. Intengo manje ngu {price} ngayinye, uzabhadala okuncane.",
    },
  },
  deadline_near: {
    title: {
      en: "Group {group} needs more buyers",
      sn: "Boka {group} rinoda vamwe vatengi",
      nd: "Iqembu {group} lidinga abanye abathengi",
    },
    text: {
      en: "ConnectSphere: group {group} closes in {hours} h and needs {needed} more units to go ahead. Invite other traders with code {group}.",
      sn: "ConnectSphere: boka {group} rinovharwa mumaawa {hours}, rinoda zvimwe {needed} kuti riende mberi. Koka vamwe nekodhi {group}.",
      nd: "ConnectSphere: iqembu {group} livalwa emahoreni {hours}, lidinga okunye okungu {needed}. Mema abanye ngekhodi {group}.",
    },
  },
  group_funded: {
    title: {
      en: "Group {group} is funded",
      sn: "Boka {group} rakwana",
      nd: "Iqembu {group} seliphelele",
    },
    text: {
      en: "ConnectSphere: group {group} is funded at {price} each. The order goes to the supplier now; we will tell you when it is ready.",
      sn: "ConnectSphere: boka {group} rakwana pa{price} chimwe nechimwe. Odha yaenda kumutengesi; tichakuudza kana yagadzirira.",
      nd: "ConnectSphere: iqembu {group} seliphelele ngo {price} ngayinye. I-oda isiya kumthengisi; sizakwazisa nxa isilungile.",
    },
  },
  group_expired: {
    title: {
      en: "Group {group} did not go ahead",
      sn: "Boka {group} harina kuenderera",
      nd: "Iqembu {group} aliqhubekanga",
    },
    text: {
      en: "ConnectSphere: group {group} closed without enough buyers. Your {amount} will be refunded to you.",
      sn: "ConnectSphere: boka {group} rakavharwa risina vatengi vakakwana. Mari yako {amount} ichadzoserwa kwauri.",
      nd: "ConnectSphere: iqembu {group} livaliwe lingelabathengi abaneleyo. Imali yakho {amount} izabuyiselwa kuwe.",
    },
  },
  group_refunded: {
    title: { en: "Refund sent", sn: "Mari yadzoserwa", nd: "Imali ibuyisiwe" },
    text: {
      en: "ConnectSphere: the refund for group {group} has been sent. See the app for details.",
      sn: "ConnectSphere: mari yeboka {group} yadzoserwa kwauri. Tarisa app kuti uone zvakawanda.",
      nd: "ConnectSphere: imali yeqembu {group} isibuyiselwe kuwe. Khangela i-app ukuze ubone okunengi.",
    },
  },
  order_accepted: {
    title: { en: "Order accepted", sn: "Odha yagamuchirwa", nd: "I-oda yamukelwe" },
    text: {
      en: "ConnectSphere: the supplier accepted the order of group {group}. Delivery is planned for {date}.",
      sn: "ConnectSphere: mutengesi agamuchira odha yeboka {group}. Zvinhu zvinotarisirwa kusvika pa{date}.",
      nd: "ConnectSphere: umthengisi wamukele i-oda yeqembu {group}. Izimpahla zilindeleke ngo {date}.",
    },
  },
  order_rejected: {
    title: {
      en: "Group {group} cancelled",
      sn: "Boka {group} ramiswa",
      nd: "Iqembu {group} limisiwe",
    },
    text: {
      en: "ConnectSphere: the supplier cannot deliver group {group}. The group is cancelled and your money is being refunded.",
      sn: "ConnectSphere: mutengesi haakwanisi kuunza zveboka {group}. Boka rakamiswa, mari yako iri kudzoserwa.",
      nd: "ConnectSphere: umthengisi kangeke alethe okweqembu {group}. Iqembu limisiwe, imali yakho iyabuyiselwa.",
    },
  },
  ready_for_pickup: {
    title: { en: "Ready for pickup", sn: "Zvagadzirira kutorwa", nd: "Sekulungele ukuthathwa" },
    text: {
      en: "ConnectSphere: your {group} goods are ready at {point}. Pickup code {code}, valid until {date}. Never share it.",
      sn: "ConnectSphere: zvinhu zvako zve{group} zvagadzirira ku{point}. Kodhi yekutora {code}, inoshanda kusvika {date}. Usaipe mumwe.",
      nd: "ConnectSphere: izimpahla zakho ze{group} zilungile e{point}. Ikhodi yokuthatha {code}, isebenza kuze kube {date}. Ungayiniki muntu.",
    },
  },
  collected: {
    title: { en: "Goods collected", sn: "Zvinhu zvatorwa", nd: "Izimpahla zithathiwe" },
    text: {
      en: "ConnectSphere: you collected {qty} of group {group} at {point}. Thank you for buying together.",
      sn: "ConnectSphere: watora {qty} zveboka {group} ku{point}. Tatenda nekutenga pamwe chete.",
      nd: "ConnectSphere: uthathe okungu {qty} kweqembu {group} e{point}. Siyabonga ngokuthenga ndawonye.",
    },
  },
  short_delivery: {
    title: {
      en: "Delivery arrived short",
      sn: "Zvinhu zvasvika zvishoma",
      nd: "Izimpahla zifike zincane",
    },
    text: {
      en: "ConnectSphere: fewer goods than ordered reached {point} for group {group}. We are sorting it out and will send your code soon.",
      sn: "ConnectSphere: zvinhu zveboka {group} zvasvika ku{point} zvishoma pane zvakaodhwa. Tiri kuzvigadzirisa, tichakutumira kodhi yako.",
      nd: "ConnectSphere: izimpahla zeqembu {group} ezifike e{point} zincane kulokho okwa-odwa. Siyakulungisa, sizakuthumela ikhodi yakho.",
    },
  },
} as const;
