/** A section tab of the Manage and pickup areas: a pill, filled when it is the current page. */
export function sectionTabClass({ isActive }: { isActive: boolean }): string {
  return `inline-flex min-h-11 shrink-0 items-center rounded-full px-3.5 text-[15px] font-semibold whitespace-nowrap ${
    isActive ? "bg-green-700 text-white" : "bg-white text-green-900 ring-1 ring-stone-300"
  }`;
}
