/**
 * The names of the demo's divisions, in the statistics bureau's code-table format (see
 * RegionNames): what an installation loads from REGION_NAMES_FILE. The villages are made up.
 */
export const DEMO_REGION_NAMES = `code,name
440000000000,广东省
440300000000,深圳市
440305000000,南山区
440305001000,南头街道
440305001001,红花园社区
440305001002,大新社区
440305002000,西丽街道
440305002001,大磡社区
440306000000,宝安区
440306001000,新安街道
440306001001,海裕社区
`;
