module.exports = { ...require('../../jest.preset.js'), displayName: 'kube', rootDir: __dirname };
