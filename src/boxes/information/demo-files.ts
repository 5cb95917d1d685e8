import { demoFile, pdf } from '../../demo/files.js'

/** The demo world's two files for the school (src/demo/files.ts makes them). */
export const DEMO_FILES = [
  {
    title: 'Läsårstider 2026/2027', filename: 'lasarstider-2026-2027.pdf',
    bytes: pdf('Läsårstider 2026/2027', ['Höstterminen: 17 augusti till 18 december 2026', 'Höstlov: vecka 44', 'Vårterminen: 11 januari till 11 juni 2027', 'Sportlov: vecka 9', 'Påsklov: vecka 13']),
  },
  {
    title: 'Ordningsregler', filename: 'ordningsregler.pdf',
    bytes: pdf('Ordningsregler', ['Vi är vänliga mot varandra.', 'Vi passar tider.', 'Mobilen ligger i skåpet under lektionstid.']),
  },
].map(demoFile)
